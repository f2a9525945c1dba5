/**
 * The Node interface and `node(id)`. Ids are globally unique and say what they are:
 * "kalshi:<ticker>" for markets, "snapshot:<n>" for snapshots, "insight:…" and "metric:…".
 */
import { builder } from './builder.js';

export interface NodeShape {
  id: string;
}

export const NodeRef = builder.interfaceRef<NodeShape>('Node').implement({
  fields: (t) => ({ id: t.exposeID('id') }),
});
