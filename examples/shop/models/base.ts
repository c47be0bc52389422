/**
 * The shop domain's one declarative base. Every shop model extends it; its MetaData names every
 * constraint and index with the default naming convention, so migrations can refer to them.
 */
import { declarativeBase, defaultNamingConvention, MetaData } from "athanor";

/** The declarative base of the shop models (and the MetaData of their tables). */
export const Base = declarativeBase({ metadata: new MetaData({ namingConvention: defaultNamingConvention }) });
