import { describe, expect, it } from 'vitest';
import { DAY, DEVICE_ID, Run, T0, cell, failedPoll, healthy, kindsOf, probe } from './factories.js';

const BOOT = T0 - 5 * DAY;
const UP = { '1': cell('A', 'up'), '2': cell('B', 'up'), '3': cell('C', 'up') };
const ALL_DOWN = { '1': cell('A', 'down', 0), '2': cell('B', 'down', 0), '3': cell('C', 'down', 0) };

describe('detect() on a base station', () => {
  it('opens one base_station_down for all cells down, keeps it through silence, clears it when cells return', () => {
    const run = new Run(probe({ name: 'bs-lte', description: 'LTE eNodeB' }), 'base_station');
    run.poll(healthy(BOOT, { cells: UP }));
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { cells: ALL_DOWN }));
    expect(kindsOf(run.changes)).toEqual([
      'opened base_station_down',
      'opened cell_down:1',
      'opened cell_down:2',
      'opened cell_down:3',
    ]);
    expect(run.changes[0]?.finding.evidence.summary).toBe('all 3 cells down while the station answers');

    // Then it stops answering: after K = 3 failures the same finding is reworded, not reopened; the
    // first two failures (which could be packet loss) change nothing; the cells are unknown, kept.
    for (let i = 0; i < 2; i++) expect(run.poll(() => failedPoll('timeout'))).toEqual([]);
    for (let i = 0; i < 3; i++) run.poll(() => failedPoll('timeout'));
    expect(kindsOf(run.changes.slice(4))).toEqual(['updated base_station_down']);
    expect(run.state.findings[`${DEVICE_ID}:base_station_down`]?.evidence.summary).toBe(
      'no answer to 3 polls in a row',
    );

    // Back with every cell up: the cells clear after 3 answers (clearAfterPolls); the station is
    // reachable again after S = 2 answers, and then the slower voice (the cells: 3 absent polls) decides.
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { cells: UP }));
    expect(kindsOf(run.changes.slice(5))).toEqual([
      'cleared cell_down:1',
      'cleared cell_down:2',
      'cleared cell_down:3',
    ]);
    expect(run.open()).toEqual([`${DEVICE_ID}:base_station_down`]);
    run.poll(healthy(BOOT, { cells: UP }));
    expect(kindsOf(run.changes.slice(8))).toEqual(['cleared base_station_down']);
  });

  it('reports a degraded cell without calling the station down', () => {
    const run = new Run(probe(), 'base_station');
    const degraded = { ...UP, '2': cell('B', 'degraded', 3) };
    for (let i = 0; i < 3; i++) run.poll(healthy(BOOT, { cells: degraded }));
    expect(kindsOf(run.changes)).toEqual(['opened cell_degraded:2']);
    expect(run.changes[0]?.finding.evidence.summary).toBe('cell B is degraded, 3 UEs attached');
  });
});
