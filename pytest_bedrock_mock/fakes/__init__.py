"""Layer 4: the fakes. One interception point routes every bedrock client to the one active fake.

``base`` (the Fake protocol and CallLog), ``intercept``, ``stubber``, ``simulator``, ``cassettes``,
``server`` and ``variants`` (the variant fake). Fakes publish what they serve; they never import
:mod:`pytest_bedrock_mock.coverage`.
"""
