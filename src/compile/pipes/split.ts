// `<sys>-<child>-split`: child records (order lines) have no list endpoint; they are split out
// of their collected parents, each carrying its parent's key and change time.
import * as d from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import type { SideModel } from '../model';
import { pipeId } from '../names';

export function splitPipe(child: SideModel, parent: SideModel): JsonObject {
  const p = child.datatype.parent!;
  return {
    _id: pipeId(child, 'split'),
    type: 'pipe',
    description: `${child.system.name} ${child.datatype.label} records split out of their ${parent.datatype.label} records.`,
    source: { type: 'dataset', dataset: pipeId(parent, 'collect') },
    transform: [
      {
        type: 'dtl',
        rules: {
          default: [d.add('_id', d.S('_id')), d.createChild(d.apply('child', d.S(p.property)))],
          child: [
            // A child without its own key cannot be tracked: it is left out.
            d.discard(d.isNotNull(d.S(child.datatype.primaryKey))),
            d.copy('*'),
            d.add('_id', d.string(d.S(child.datatype.primaryKey))),
            d.add(p.key, d.P('_S', parent.datatype.primaryKey)),
            d.add('$last-modified', d.P('_S', '$last-modified')),
          ],
        },
      },
      { type: 'emit_children' },
    ],
    namespaced_identifiers: false,
  } as unknown as JsonObject;
}
