/**
 * Playbook errors have the probe errors' shape and print the same way, so `vigil check` reports both
 * as `file:line path: message`.
 */
export {
  formatYamlFileError as formatPlaybookError,
  sortYamlFileErrors as sortPlaybookErrors,
  type YamlFileError as PlaybookError,
} from '../shared/yaml/yaml-file-error.js';
