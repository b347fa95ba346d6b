"""The local platform: moto's server as the AWS, an API Gateway front, the real handlers."""
