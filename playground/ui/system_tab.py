"""The System tab: what the app runs on, refreshed on demand."""

import gradio as gr


def refresh():
    from playground.system import report

    return report()


def build():
    gr.Markdown("What this app runs on: the device, memory, library versions, the models held in memory and the "
                "models visitors may load. Useful in a bug report.")
    table = gr.Dataframe(headers=["section", "item", "value"], interactive=False, wrap=True)
    gr.Button("Refresh").click(refresh, None, table, api_name="system")
    return [(refresh, [], table)]
