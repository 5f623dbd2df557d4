"""Exports for auditors: files built from figures through the figure core."""
