import { describe } from 'vitest';
import { memoryDestination } from '../../src/destinations/memory/memoryDestination.js';
import { destinationConformance } from './conformance.js';

describe('memory destination', () => {
  destinationConformance(async () => {
    const memory = memoryDestination();
    return {
      open: () => memory,
      read: async (p) => memory.files.find((f) => f.path === p)?.bytes ?? null,
      allFiles: async () => memory.files.map((f) => f.path).sort(),
      plant: async (p, bytes) => memory.plant(p, bytes),
      tamper: async (p, how) => memory.tamper(p, how),
      violations: () => [],
    };
  });
});
