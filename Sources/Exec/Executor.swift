import Graph
