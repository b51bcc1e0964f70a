"""Coverage-guided fuzzing of the workbook reader with atheris (bounded, seeded).

Run by tests/fuzz/test_fuzz.py in a subprocess: every input must give a BidSet or located
problems, never an exception. Seeds are real workbooks; atheris mutates their bytes.
"""

import sys

import atheris

with atheris.instrument_imports():
    from scoring.workbook import read_workbook


def one_input(data: bytes) -> None:
    result = read_workbook(data)
    if result.bidset is None:
        assert result.problems and all(str(p.location) and p.message for p in result.problems)


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
