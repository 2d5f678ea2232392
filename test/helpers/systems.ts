// This integration's system definitions and emulation specs, imported directly (tests that need
// the loader's behaviour use loadDefinitions instead).
import { customcrm } from '../../systems/customcrm';
import crmEmulation from '../../systems/customcrm/emulator';
import { poweroffice } from '../../systems/poweroffice';
import poEmulation from '../../systems/poweroffice/emulator';
import type { EmulatedDefinitions } from '../../src/simulate/scenario/world';

export const definitions: EmulatedDefinitions = { systems: [customcrm, poweroffice], emulators: [crmEmulation, poEmulation] };
