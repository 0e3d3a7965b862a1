# A first look at the sample workspace, written the way punie's model writes snippets:
# call the bridges with keyword arguments, read typed fields, end with a value.
types = typecheck(path="shop")
lint = ruff_check(path="shop")
tests = pytest_run(path="tests")
for error in types.errors:
    print(f"{error.file}:{error.line} [{error.code}] {error.message}")
for violation in lint.violations:
    print(f"{violation.file}:{violation.line} [{violation.code}] {violation.message}")
{
    "type_errors": types.error_count,
    "lint_violations": lint.violation_count,
    "tests_passed": tests.passed,
    "tests_failed": [test.name for test in tests.tests if test.outcome == "failed"],
}
