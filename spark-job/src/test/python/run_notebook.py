"""Executes a Python notebook cell by cell with nbclient, as NotebooksIT's Python executor.

usage: run_notebook.py NOTEBOOK EXECUTED_COPY

The kernel is this interpreter's ipykernel (not whatever "python3" kernelspec the machine has), so the
notebook sees the packages this Python has. The executed copy, with outputs, is written also when a cell
fails; then the last line on stderr is "cell N: ENAME: EVALUE" (N counted from 1 over all cells) and the
exit status is 1.
"""
import json
import os
import pathlib
import sys
import tempfile

import nbformat
from nbclient import NotebookClient
from nbclient.exceptions import CellExecutionError


def main(source, executed):
    nb = nbformat.read(source, as_version=4)
    with tempfile.TemporaryDirectory() as jupyter_path:
        spec = pathlib.Path(jupyter_path, "kernels", "python3")
        spec.mkdir(parents=True)
        (spec / "kernel.json").write_text(json.dumps({
            "argv": [sys.executable, "-m", "ipykernel_launcher", "-f", "{connection_file}"],
            "display_name": "Python 3 (ipykernel)", "language": "python"}))
        os.environ["JUPYTER_PATH"] = jupyter_path + os.pathsep + os.environ.get("JUPYTER_PATH", "")
        client = NotebookClient(nb, timeout=600, kernel_name="python3",
                                resources={"metadata": {"path": str(pathlib.Path(source).parent)}})
        failure = None
        with client.setup_kernel():
            for index, cell in enumerate(nb.cells):
                try:
                    client.execute_cell(cell, index)
                except CellExecutionError as e:
                    failure = f"cell {index + 1}: {e.ename}: {e.evalue}"
                    break
    pathlib.Path(executed).parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nb, executed)
    if failure:
        print(failure, file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
