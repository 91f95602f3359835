/**
 * Version of the stored dialogue state. Bump it whenever the code of any dialogue changes in a way that
 * makes old replay logs meaningless (questions added, removed or reordered): state stored under another
 * version is dropped and the person starts that dialogue again instead of replaying into the wrong step.
 */
export const DIALOGUE_VERSION = 12;
