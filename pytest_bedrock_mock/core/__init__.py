"""Layer 1: what botocore's bedrock service model says, and the tools to read it.

``model`` (the model, loaded once), ``shapes`` (the one shape visitor and member-path grammar),
``javaregex`` (the one Java-regex parser), ``values`` (realistic fake values), ``rules`` (the
cross-field rules), ``wire`` (rest-json as the model defines it), ``files`` (atomic writes) and
``undo`` (global changes that a ``with`` block takes back).
Nothing here imports a higher layer.
"""
