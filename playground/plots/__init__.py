"""Plotly figures for every chart in the app. Plain functions: data in, figure out."""
