// A pump with both schedule_interval and cron_expression runs on the cron expression; the
// interval is silently ignored, which is rarely what the author meant.
import type { Problem } from '../problem';
import type { ValidationRule } from '../rule';
import { isObject, pipeFiles, problemAt } from '../walk';

export const pumpSchedule: ValidationRule = {
  name: 'pump-schedule',
  description: 'a pump sets schedule_interval or cron_expression, not both (warning: the cron expression wins)',
  check(project) {
    const problems: Problem[] = [];
    for (const file of pipeFiles(project)) {
      const pump = file.entity.pump;
      if (isObject(pump) && pump.schedule_interval !== undefined && pump.cron_expression !== undefined)
        problems.push(problemAt(file, 'pump-schedule', 'warning', ['pump', 'schedule_interval'], 'the pump also has a cron_expression, which is used; schedule_interval is ignored (remove one of them)'));
    }
    return problems;
  },
};
