import { seededRandom } from '../test-support';
import { nextRequestShape, type RequestMix, type RequestShape } from './request-mix';

const draw = (mix: RequestMix, n: number, seed = 1): RequestShape[] => {
  const random = seededRandom(seed);
  return Array.from({ length: n }, () => nextRequestShape(mix, random));
};
const share = (shapes: RequestShape[], test: (shape: RequestShape) => boolean) => shapes.filter(test).length / shapes.length;

describe('nextRequestShape', () => {
  const mix: RequestMix = { topics: ['events', 'orders', 'clicks'], batchRatio: 0.3, protobufRatio: 0.6, maxBatchSize: 20 };

  it('draws batches and protobuf values at the configured shares, over every topic', () => {
    const shapes = draw(mix, 20_000);
    expect(share(shapes, (shape) => shape.size > 1)).toBeCloseTo(0.3, 1);
    expect(share(shapes, (shape) => shape.protobuf)).toBeCloseTo(0.6, 1);
    for (const topic of mix.topics) expect(share(shapes, (shape) => shape.topic === topic)).toBeCloseTo(1 / 3, 1);
  });

  it('sends single protobuf events as native protobuf bodies and protobuf batches through the REST Proxy binary format', () => {
    for (const shape of draw(mix, 5000)) {
      if (shape.protobuf) expect(shape.api).toBe(shape.size === 1 ? 'native-protobuf' : 'rest-proxy-binary');
      else if (shape.size === 1) expect(shape.api).toBe('native-json');
      else expect(['native-json-batch', 'native-ndjson', 'rest-proxy-json']).toContain(shape.api);
    }
  });

  it('splits JSON batches between the native batch, NDJSON and REST Proxy JSON', () => {
    const batches = draw({ ...mix, batchRatio: 1, protobufRatio: 0 }, 8000);
    expect(share(batches, (shape) => shape.api === 'native-json-batch')).toBeCloseTo(0.5, 1);
    expect(share(batches, (shape) => shape.api === 'native-ndjson')).toBeCloseTo(0.25, 1);
    expect(share(batches, (shape) => shape.api === 'rest-proxy-json')).toBeCloseTo(0.25, 1);
  });

  it('keeps batch sizes between 2 and the largest batch, and within the limit', () => {
    const sizes = draw({ ...mix, batchRatio: 1 }, 5000).map((shape) => shape.size);
    expect(Math.min(...sizes)).toBe(2);
    expect(Math.max(...sizes)).toBe(20);
    const random = seededRandom(3);
    for (let i = 0; i < 1000; i++) expect(nextRequestShape({ ...mix, batchRatio: 1 }, random, 5).size).toBeLessThanOrEqual(5);
    expect(nextRequestShape({ ...mix, batchRatio: 1 }, random, 1).size).toBe(1);
  });

  it('never batches with ratio 0 and always with ratio 1', () => {
    expect(draw({ ...mix, batchRatio: 0 }, 2000).every((shape) => shape.size === 1)).toBe(true);
    expect(draw({ ...mix, batchRatio: 1 }, 2000).every((shape) => shape.size >= 2)).toBe(true);
  });

  it('repeats the same mix for the same seed', () => {
    expect(draw(mix, 200, 42)).toEqual(draw(mix, 200, 42));
    expect(draw(mix, 200, 42)).not.toEqual(draw(mix, 200, 43));
  });
});
