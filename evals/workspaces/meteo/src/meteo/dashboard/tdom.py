"""A tiny stand-in for the tdom library: ``html()`` fills a template and returns a ``Node``."""

from dataclasses import dataclass, field


@dataclass
class Node:
    """A rendered piece of HTML."""

    text: str
    children: list["Node"] = field(default_factory=list)

    def __str__(self) -> str:
        return self.text


def html(template: str, **values: object) -> Node:
    """Render a template; keyword values fill its ``{name}`` placeholders."""
    text = template
    for key, value in values.items():
        text = text.replace("{" + key + "}", str(value))
    return Node(text)
