"""Inside a recurrent layer: the hidden state (and for LSTM/GRU the gates) at every time step of one input.

`nn.RNN`/`nn.LSTM`/`nn.GRU` only return the last layer's hidden states, never
the gates, so this replays their equations step by step from the layer's own
weights (PyTorch's formulas, gate order i, f, g, o for LSTM and r, z, n for
GRU). The replayed last-layer output equals the module's own, which the tests
check; every layer and direction is returned.
"""

import torch
from torch import nn

GATES = {
    "rnn": [],
    "lstm": ["input gate", "forget gate", "cell candidate", "output gate"],
    "gru": ["reset gate", "update gate", "candidate"],
}


def _cell_name(rnn: nn.Module) -> str:
    return {nn.LSTM: "lstm", nn.GRU: "gru"}.get(type(rnn), "rnn")


def _weights(rnn: nn.Module, layer: int, reverse: bool):
    suffix = f"_l{layer}" + ("_reverse" if reverse else "")
    w_ih, w_hh = getattr(rnn, "weight_ih" + suffix), getattr(rnn, "weight_hh" + suffix)
    b_ih = getattr(rnn, "bias_ih" + suffix, None)
    b_hh = getattr(rnn, "bias_hh" + suffix, None)
    zeros = torch.zeros(w_ih.shape[0], device=w_ih.device)
    return w_ih, w_hh, zeros if b_ih is None else b_ih, zeros if b_hh is None else b_hh


def _replay(cell: str, rnn: nn.Module, x: torch.Tensor, layer: int, reverse: bool) -> dict:
    """One direction of one layer over x (T, features): {'hidden': (T, H), gates and cell state: (T, H)}."""
    w_ih, w_hh, b_ih, b_hh = _weights(rnn, layer, reverse)
    size = w_hh.shape[1]
    h = torch.zeros(size, device=x.device)
    c = torch.zeros(size, device=x.device)
    steps = range(len(x) - 1, -1, -1) if reverse else range(len(x))
    names = ["hidden", *GATES[cell], *(["cell state"] if cell == "lstm" else [])]
    records: dict[str, list] = {name: [] for name in names}
    for t in steps:
        from_input, from_hidden = w_ih @ x[t] + b_ih, w_hh @ h + b_hh
        if cell == "rnn":
            act = torch.relu if getattr(rnn, "nonlinearity", "tanh") == "relu" else torch.tanh
            h = act(from_input + from_hidden)
        elif cell == "lstm":
            i, f, g, o = (from_input + from_hidden).chunk(4)
            i, f, g, o = torch.sigmoid(i), torch.sigmoid(f), torch.tanh(g), torch.sigmoid(o)
            c = f * c + i * g
            h = o * torch.tanh(c)
            for name, value in zip(GATES["lstm"], (i, f, g, o)):
                records[name].append(value)
            records["cell state"].append(c)
        else:
            ri, zi, ni = from_input.chunk(3)
            rh, zh, nh = from_hidden.chunk(3)
            r, z = torch.sigmoid(ri + rh), torch.sigmoid(zi + zh)
            n = torch.tanh(ni + r * nh)
            h = (1 - z) * n + z * h
            for name, value in zip(GATES["gru"], (r, z, n)):
                records[name].append(value)
        records["hidden"].append(h)
    ordered = {name: torch.stack(values) for name, values in records.items()}
    if reverse:  # back into time order
        ordered = {name: values.flip(0) for name, values in ordered.items()}
    return ordered


@torch.no_grad()
def recurrent_states(model: nn.Module, sequence: torch.Tensor) -> dict:
    """For one (T, features) input: {'cell': 'lstm', 'layers': [{'layer', 'direction', 'states': {name: (T, H)}}],
    'output': (T, H * directions) of the last layer}."""
    rnn = model.rnn
    cell = _cell_name(rnn)
    directions = 2 if rnn.bidirectional else 1
    x = sequence.to(next(model.parameters()).device).float()
    layers = []
    for layer in range(rnn.num_layers):
        outputs = []
        for direction in range(directions):
            states = _replay(cell, rnn, x, layer, reverse=direction == 1)
            layers.append({"layer": layer + 1, "direction": "backward" if direction else "forward",
                           "states": {k: v.cpu() for k, v in states.items()}})
            outputs.append(states["hidden"])
        x = torch.cat(outputs, dim=1)  # the next layer reads both directions (dropout is off when inspecting)
    return {"cell": cell, "layers": layers, "output": x.cpu()}
