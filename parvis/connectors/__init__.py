"""One package per network (parvis/connectors/<network>/), behind one small interface."""
