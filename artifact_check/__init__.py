"""Prove the deploy artefact on its target: the functions' code and layers, laid out as
Lambda lays them out, imported and run by CPython 3.13 on aarch64 (Debian's, under
qemu-user), against the local stack.

    python -m artifact_check          # what `make verify-artifact` runs

See docs/deploy.md ("What is proven before a deploy").
"""
