"""The app's Streamlit layer: state keys, cached wrappers, widgets and chart builders."""
