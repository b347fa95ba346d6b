"""Pure domain: Open Badges models, hashing, document building. No AWS, no environment."""
