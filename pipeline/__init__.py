"""Dagger pipeline-as-code for an umbrella-shaped Python monorepo."""
