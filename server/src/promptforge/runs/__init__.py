"""Playground runs: render a prompt, call a provider (optionally streaming), store the outcome."""
