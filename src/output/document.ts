/** A value as functions produce it; serializers decide how it is spelled. */
export type Scalar = string | number | boolean | null

/**
 * One node of the reply tree. Functions build these and never format output; every serializer
 * reads the same tree.
 */
export interface DocNode {
  name: string
  attrs?: Record<string, string>
  /** Leaf content. `true` is an empty element, `false` and `null` leave the node out. */
  value?: Scalar
  children?: DocNode[]
  /** Names of children that are always arrays in JSON formats, `[]` when there are none. */
  lists?: string[]
  /** In JSON formats, children become an object keyed by this attribute, valued by their text. */
  keyedBy?: string
  /** Presentation only (echoed parameters, metadata, labels): left out of the data formats. */
  markup?: boolean
  /** This node's plain-data form, where the generic conversion would lose its meaning. */
  data?: unknown
}

export interface Document {
  root: DocNode
  /** Names of the list's columns, key first, when the document is a list. */
  columns?: string[]
  /** Localised title of the function, for formats that show one. */
  title?: string
  /** Localised labels of columns and fields, for formats that show them. */
  labels?: Record<string, string>
  /** The localised label of a name `labels` lacks (the columns of nested records). */
  label?: (name: string) => string
}

export function node(name: string, value?: Scalar, attrs?: Record<string, string>): DocNode {
  const n: DocNode = { name }
  if (value !== undefined) n.value = value
  if (attrs) n.attrs = attrs
  return n
}

export function branch(name: string, children: DocNode[], attrs?: Record<string, string>): DocNode {
  const n: DocNode = { name, children }
  if (attrs) n.attrs = attrs
  return n
}

export function isPresent(n: DocNode): boolean {
  return n.value !== false && n.value !== null
}

export function child(n: DocNode, name: string): DocNode | undefined {
  return n.children?.find((c) => c.name === name)
}
