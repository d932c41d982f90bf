"""Who is asking and what they may do: the security policy and roles, login
throttling, and the login, logout and password-reset pages."""


def includeme(config):
    config.scan("lk_platform.auth.views")
