"""An example plugin: questions and answers an organisation publishes for
its residents. It declares one content type (so the admin is generated),
adds a cabinet page, a menu item and a dashboard widget, in Russian and
English. docs/plugins.md walks through it; it has the one shape every
bundled plugin has."""
