/**
 * Creates a relationship property on a mapper: the property record, the instance accessor and the
 * class attribute (`User.posts`). Used by the declarative base for declared relationships and by
 * registry.configure() for the reverse side a `backref` creates.
 */
import type { Mapper, RelationshipProperty } from "./mapper.js";
import type { RelationshipDef } from "./relationship-def.js";
import { RelationshipAttribute } from "./relationship-attribute.js";
import { defineRelationshipAccessor } from "./instrumentation.js";

/** Adds a relationship named `key` to `mapper` (and to the subclasses that inherit its attributes). */
export function addRelationship(mapper: Mapper, key: string, def: RelationshipDef): RelationshipProperty {
  const rel = {
    kind: "relationship",
    key,
    slot: Symbol(`athanor.${key}`),
    parent: mapper,
    def,
    backPopulates: undefined,
    viewonly: false,
    pairs: [],
    secondary: undefined,
    secondaryParent: [],
    secondaryTarget: [],
    lazy: def.options.lazy ?? "raise",
    orderBy: [],
    where: undefined,
    passiveDeletes: def.options.passiveDeletes ?? false,
    innerJoin: def.options.innerJoin === true,
  } as unknown as RelationshipProperty;
  mapper.relationships.push(rel);
  mapper.byKey.set(key, rel);
  defineRelationshipAccessor(mapper.generated.prototype as object, rel);
  Object.defineProperty(mapper.generated, key, { value: new RelationshipAttribute(rel), enumerable: true, configurable: true });
  // Subclass mappers copied their parent's relationships when they were mapped; a later one joins them.
  const inherit = (m: Mapper): void => {
    for (const sub of m.subMappers) {
      if (!sub.byKey.has(key)) {
        sub.relationships.push(rel);
        sub.byKey.set(key, rel);
      }
      inherit(sub);
    }
  };
  inherit(mapper);
  return rel;
}
