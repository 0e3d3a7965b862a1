"""A tiny stand-in for the tdom library, so that the shop runs without it.

Real tdom renders t-strings (Python 3.14). Here a template is an ordinary string whose
``{name}`` placeholders refer to names in the caller's scope, the way a t-string's would.
"""

from dataclasses import dataclass, field


@dataclass
class Node:
    """A rendered piece of HTML."""

    text: str
    children: list["Node"] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


def html(template: str, **values: object) -> Node:
    """Render a template; keyword values fill its placeholders."""
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return Node(text)


class Markup(str):
    """Text that is trusted as HTML and never escaped."""
