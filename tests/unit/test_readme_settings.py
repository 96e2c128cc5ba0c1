from local_stack.settings_table import SETTINGS_PAGE, main, render_table


def test_every_setting_is_in_the_settings_page() -> None:
    assert main(["--check"]) == 0, "run: python -m local_stack.settings_table"


def test_the_table_names_each_setting_once() -> None:
    table = render_table()
    assert table.count("| `GEMINI_MODEL` |") == 1
    assert "| `REGENERATION_DEBOUNCE_S` | `60` |" in table
    assert render_table() in SETTINGS_PAGE.read_text()
