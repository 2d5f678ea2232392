import type { Command } from 'commander';
import type { Io } from '../io';
import { register as generate } from './generate';
import { register as validate } from './validate';
import { register as format } from './format';
import { register as diff } from './diff';
import { register as upload } from './upload';
import { register as download } from './download';
import { register as status } from './status';
import { register as restore } from './restore';
import { register as dtl } from './dtl';
import { register as graph } from './graph';
import { register as docs } from './docs';
import { register as simulate } from './simulate';
import { register as test } from './test';
import { register as explain } from './explain';
import { register as review } from './review';
import { register as scaffold } from './new';
import { register as types } from './types';
import { register as watch } from './watch';

/** A command module registers itself on the root program. One file per command. */
export type RegisterCommand = (program: Command, io: Io) => void;

// Order here is the order in `sesamflow --help`.
export const commands: RegisterCommand[] = [generate, validate, format, diff, upload, download, status, restore, dtl, graph, docs, simulate, test, watch, explain, review, scaffold, types];
