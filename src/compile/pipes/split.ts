// `<sys>-<child>-split`: child records (order lines) have no list endpoint; they are split out
// of their collected parents, each carrying its parent's key. A child has no change time of its
// own: it takes its parent's when its content changed, else keeps the one it had (read back from
// this pipe's own dataset) — so that a change of the parent alone (e.g. the sync updating the
// header) does not make every child look newly edited.
import * as d from '../../dtl/builder';
import type { JsonObject } from '../../sesam/project';
import type { SideModel } from '../model';
import { pipeId } from '../names';

export function splitPipe(child: SideModel, parent: SideModel): JsonObject {
  const p = child.datatype.parent!;
  const self = pipeId(child, 'split');
  const content = child.schemas.propertyNames(child.datatype.schema).filter((name) => name !== p.key);
  return {
    _id: pipeId(child, 'split'),
    type: 'pipe',
    description: `${child.system.name} ${child.datatype.label} records split out of their ${parent.datatype.label} records.`,
    source: { type: 'dataset', dataset: pipeId(parent, 'collect') },
    transform: [
      {
        type: 'dtl',
        rules: {
          default: [
            d.add('_id', d.S('_id')),
            // The children this parent had the last time, from this pipe's own dataset.
            d.add('_previous', d.hops({ datasets: [`${self} previous`], where: [d.eq(d.S(parent.datatype.primaryKey), d.alias('previous', p.key))] })),
            d.createChild(d.apply('child', d.S(p.property))),
          ],
          child: [
            // A child without its own key cannot be tracked: it is left out.
            d.discard(d.isNotNull(d.S(child.datatype.primaryKey))),
            d.copy('*'),
            d.add('_id', d.string(d.S(child.datatype.primaryKey))),
            d.add(p.key, d.P('_S', parent.datatype.primaryKey)),
            d.add('_previous', d.first(d.filterValues(d.eq(d.it('_id'), d.T('_id')), d.P('_T', '_previous')))),
            d.add(
              '$last-modified',
              d.ifElse(
                d.and(d.isNotNull(d.T('_previous')), ...[...content, p.key].map((name) => d.eq(d.T(name), d.T('_previous', name)))),
                d.T('_previous', '$last-modified'),
                // The parent's change time as the system gives it (a child's change moves it).
                parent.datatype.updatedAt ? d.datetime(d.P('_S', parent.datatype.updatedAt)) : d.P('_S', '$last-modified'),
              ),
            ),
            d.remove('_previous'),
          ],
        },
      },
      { type: 'emit_children' },
    ],
    namespaced_identifiers: false,
  } as unknown as JsonObject;
}
