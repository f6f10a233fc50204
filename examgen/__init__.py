"""examgen: papers for customer-service skills competitions, from question banks to rankings."""

__version__ = "0.1.0"
