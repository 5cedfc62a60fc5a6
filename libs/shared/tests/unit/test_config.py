import pytest
from shared import config


def write(tmp_path, text):
    path = tmp_path / "codecov.yml"
    path.write_text(text)
    return str(path)


def test_config_path_defaults_to_config_dir():
    assert config.config_path({}) == "/config/codecov.yml"
    assert config.config_path({"CODECOV_YML": "/x.yml"}) == "/x.yml"


def test_load_config_reads_file_named_by_codecov_yml(tmp_path):
    path = write(tmp_path, "services:\n  redis_url: redis://redis:6379\n")
    cfg = config.load_config(environ={"CODECOV_YML": path})
    assert config.redis_url(cfg) == "redis://redis:6379"


def test_env_overrides_nested_keys_and_parse_scalars(tmp_path):
    path = write(
        tmp_path,
        "services:\n  redis_url: redis://redis:6379\n  minio:\n    host: minio\n    port: 9002\n",
    )
    env = {
        "CODECOV_YML": path,
        "SERVICES__REDIS_URL": "redis://127.0.0.1:6380/1",
        "SERVICES__MINIO__PORT": "9000",
        "SETUP__DEBUG": "true",
        "PATH": "/usr/bin",
        "__PYVENV_LAUNCHER__": "ignored",
    }
    cfg = config.load_config(environ=env)
    assert cfg["services"]["redis_url"] == "redis://127.0.0.1:6380/1"
    assert cfg["services"]["minio"] == {"host": "minio", "port": 9000}
    assert cfg["setup"]["debug"] is True
    assert "path" not in cfg


def test_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(config.ConfigError, match="CODECOV_YML"):
        config.load_config(environ={"CODECOV_YML": str(tmp_path / "nope.yml")})


def test_non_mapping_file_is_rejected(tmp_path):
    path = write(tmp_path, "- a\n- b\n")
    with pytest.raises(config.ConfigError, match="mapping"):
        config.load_config(environ={"CODECOV_YML": path})


def test_get_reports_missing_key_path():
    with pytest.raises(config.ConfigError, match="services.database_url"):
        config.database_url({"services": {}})
    assert config.get({}, "a", "b", default=3) == 3


def test_repo_test_config_has_all_services():
    import pathlib

    repo_root = pathlib.Path(__file__).resolve().parents[4]
    cfg = config.load_config(str(repo_root / "docker" / "codecov_test.yml"), environ={})
    assert config.database_url(cfg) == "postgres://postgres@postgres:5432/postgres"
    assert "timescale:5432" in config.timeseries_database_url(cfg)
    assert config.redis_url(cfg) == "redis://redis:6379"
    assert cfg["services"]["minio"]["port"] == 9002
