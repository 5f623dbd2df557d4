"""Settings: defaults, TOML file, environment overrides, and refusal of a precision we do not know."""
from pathlib import Path

import pytest

from dashboard.config import load_settings


def test_defaults_need_no_file(tmp_path):
    s = load_settings(tmp_path / "missing.toml", env={})
    assert s.db_path == Path("aifd.duckdb")
    assert (s.target.exaflops, s.target.precision, s.target.sparse) == (0.5, "bf16", False)
    assert s.target.tflops == 500_000
    assert s.source == "defaults"


def test_file_then_environment(tmp_path):
    cfg = tmp_path / "aifd.toml"
    cfg.write_text('[store]\ndb_path = "x.duckdb"\n[target]\nexaflops = 0.4\nprecision = "FP8"\n'
                   '[operations]\nhot_temp_c = 80\n')
    s = load_settings(cfg, env={"AIFD_DB": "y.duckdb", "AIFD_TARGET_SPARSE": "true"})
    assert s.db_path == Path("y.duckdb") and s.target.exaflops == 0.4 and s.target.precision == "fp8"
    assert s.target.sparse and s.hot_temp_c == 80
    assert s.source == f"defaults + {cfg} + AIFD_DB + AIFD_TARGET_SPARSE"


def test_unknown_precision_is_refused(tmp_path):
    with pytest.raises(ValueError, match="fp16x"):
        load_settings(tmp_path / "none.toml", env={"AIFD_TARGET_PRECISION": "fp16x"})
