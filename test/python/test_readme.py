"""The README's Python tour runs as written (its blocks, in order, in a fresh interpreter)."""
from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_readme_python_blocks_run(tmp_path):
    blocks = re.findall(r"```python\n(.*?)```", README.read_text(), re.S)
    assert len(blocks) >= 2
    script = tmp_path / "tour.py"
    script.write_text("\n".join(blocks))
    r = subprocess.run([sys.executable, str(script)], capture_output=True, text=True, timeout=300, cwd=tmp_path)
    assert r.returncode == 0, r.stderr[-3000:]
    assert "Gradient(f=@f, df=@f_adjoint, f_real_outputs=2, df_input_vjps=[0, 2]" in r.stdout
    assert "define internal void @loss" in r.stdout and "define void @_mlir_ciface_loss" in r.stdout
