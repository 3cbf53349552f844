"""Sounds shipped with the doctor app (package data). sent_in.wav: a 0.35 s two-tone chime, 22.05 kHz mono 16-bit,
generated once with Python's `wave` module (two decaying sine tones, E5 then A5)."""

from pathlib import Path

SENT_IN = Path(__file__).with_name("sent_in.wav")
