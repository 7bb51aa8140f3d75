"""The System tab: what the app runs on and how much disk its files take, refreshed on demand."""

import gradio as gr
import pandas as pd

from playground import i18n


def disk_rows() -> list[list[str]]:
    """One row per folder the sweeper looks after: its size against PLAYGROUND_MAX_DISK_MB, and what is in it."""
    from playground.disk import usage
    from playground.limits import limit
    from playground.ui.launch import disk_folders

    used = usage(disk_folders())
    rows = [["disk", str(folder), i18n.t("system.disk.folder", mb=size / 2**20, count=count)]
            for folder, size, count in used]
    total, budget = sum(size for _, size, _ in used) / 2**20, limit("disk_mb")
    rows.append(["disk", i18n.t("system.disk.total", env="PLAYGROUND_MAX_DISK_MB"),
                 i18n.t("system.disk.of", mb=total, budget=budget) if budget else
                 i18n.t("system.disk.no_budget", mb=total)])
    return rows


def store_rows() -> list[list[str]]:
    """Where finished runs are kept (PLAYGROUND_DATABASE_URL / PLAYGROUND_DATA_DIR), and whether it works."""
    from playground.store import db, runs

    store = db.store()
    try:
        state = i18n.t("system.store.ok", runs=f"{runs.count(store):,}") if store.available else store.problem
    except Exception as error:  # noqa: BLE001: the System tab reports a broken store, it doesn't break on one
        state = i18n.t("system.store.unreadable", reason=db._reason(error))
    return [["run store", db.shown_url(store.url), state]]


def item_words(section: str, item: str) -> str:
    """An item of report() (English, as bug reports quote it) in the visitor's words: a limit by its catalogue
    description, a device or memory figure by system.item.<id>; names of libraries and models stay as they are."""
    from playground.limits import LIMITS

    if section == "limit":
        env = item.rsplit("(", 1)[-1].rstrip(")")
        name = next((limit.name for limit in LIMITS.values() if limit.env == env), None)
        return f"{i18n.t(f'limits.what.{name}')} ({env})" if name else item
    return i18n.t_or(f"system.item.{i18n.slug(item)}", item)


def refresh():
    from playground.precision import auto_summary
    from playground.system import report

    rows = report() + disk_rows() + [["device", i18n.t("system.precision_auto"), auto_summary()]] + store_rows()
    # report() names its sections in English (ids); a person reads system.section.<id>. A table's headers aren't
    # translated by the page: they come in the visitor's language with the rows
    rows = [[i18n.t_or(f"system.section.{section.replace(' ', '_')}", section), item_words(section, item), value]
            for section, item, value in rows]
    return pd.DataFrame(rows, columns=[i18n.t(f"system.table.{name}") for name in ("section", "item", "value")])


def build():
    gr.Markdown(i18n.ui("system.explain"))
    table = gr.Dataframe(interactive=False, wrap=True, elem_id="system-table")
    gr.Button(i18n.ui("system.refresh"), elem_id="system-refresh").click(refresh, None, table, api_name="system")
    return [(refresh, [], table)]
