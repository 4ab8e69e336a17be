"""The directory's questions (intents of data/nlu/directory.yml) and its buttons' entities."""

PRACTICE_PCN = "directory_practice_pcn"
PRACTICE_CONTACT = "directory_practice_contact"
PCN_PRACTICES = "directory_pcn_practices"
NEAREST = "directory_nearest"
NOT_HELD = "directory_not_held"
INTENTS = (PRACTICE_PCN, PRACTICE_CONTACT, PCN_PRACTICES, NEAREST, NOT_HELD)
# A button that names a practice or a PCN carries its ODS code, lower case, as this entity.
PRACTICE_ENTITY = "practice"
PCN_ENTITY = "pcn"
BUTTON_ENTITIES = {
    PRACTICE_PCN: PRACTICE_ENTITY,
    PRACTICE_CONTACT: PRACTICE_ENTITY,
    NOT_HELD: PRACTICE_ENTITY,
    PCN_PRACTICES: PCN_ENTITY,
}
