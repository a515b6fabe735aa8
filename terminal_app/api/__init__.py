"""The terminal's side of the cloud contract: transport (only HTTP code), signing, typed client."""
