/** Plain-language messages for the generated zod schemas (which carry none of their own). */
import { z } from 'zod';

export function installZodMessages(): void {
  z.config({
    customError: (issue) => {
      switch (issue.code) {
        case 'too_small':
          if (issue.origin === 'string') return Number(issue.minimum) <= 1 ? 'This field is required.' : `Use at least ${issue.minimum} characters.`;
          if (issue.origin === 'array') return `Add at least ${issue.minimum} item${Number(issue.minimum) === 1 ? '' : 's'}.`;
          return `Must be at least ${issue.minimum}.`;
        case 'too_big':
          if (issue.origin === 'string') return `Use at most ${issue.maximum} characters.`;
          if (issue.origin === 'array') return `Use at most ${issue.maximum} items.`;
          return `Must be at most ${issue.maximum}.`;
        case 'invalid_format':
          if (issue.format === 'email') return 'Enter a valid email address.';
          if (issue.format === 'regex') return 'Use lowercase letters, digits and dashes; start with a letter or digit.';
          if (issue.format === 'datetime') return 'Enter a valid date.';
          return undefined;
        case 'invalid_value':
          return 'Choose one of the listed options.';
        case 'invalid_type':
          return issue.input === undefined ? 'This field is required.' : undefined;
        default:
          return undefined;
      }
    },
  });
}
