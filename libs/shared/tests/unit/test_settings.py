from shared.settings import DEFAULTS, load_settings


def test_settings_test_module_is_selected_by_env():
    settings = load_settings(
        {"DJANGO_SETTINGS_MODULE": "shared.settings_test", "RUN_ENV": "TESTING"}
    )
    assert settings.module == "shared.settings_test"
    assert settings.TESTING is True
    assert settings.SETTINGS_OWNER == "shared"
    assert settings.RUN_ENV == "TESTING"
    assert settings.JOBS_QUEUE == "shared-test-jobs"


def test_without_settings_module_only_defaults_apply():
    settings = load_settings({})
    assert settings.module is None
    assert dict(settings) == dict(DEFAULTS)


def test_run_env_from_environment_wins():
    settings = load_settings(
        {"DJANGO_SETTINGS_MODULE": "shared.settings_test", "RUN_ENV": "DEV"}
    )
    assert settings.RUN_ENV == "DEV"
