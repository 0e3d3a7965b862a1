# A first look at the sample workspace, written the way punie's model writes snippets:
# call the bridges with keyword arguments, read typed fields, end with a value.
types = typecheck(path="shop")
lint = ruff_check(path="shop")
tests = pytest_run(path="tests")
for diagnostic in types.errors:  # ty's errors and warnings, each with its severity
    print(f"{diagnostic.file}:{diagnostic.line} {diagnostic.severity} [{diagnostic.code}] {diagnostic.message}")
for violation in lint.violations:
    print(f"{violation.file}:{violation.line} lint [{violation.code}] {violation.message}")
{
    "type_errors": types.error_count,
    "type_warnings": types.warning_count,
    "lint_violations": lint.violation_count,
    "tests_passed": tests.passed,
    "tests_failed": [test.name for test in tests.tests if test.outcome == "failed"],
}
