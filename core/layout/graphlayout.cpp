// Graph layout with Graphviz: the only file that includes Graphviz headers.
