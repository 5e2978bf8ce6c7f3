/**
 * Jest's node environment with the host's typed-array constructors. onnxruntime-node's native binding
 * returns typed arrays of the host realm, and onnxruntime-common checks them with `instanceof` against the
 * sandbox's constructors: test files that score ONNX models opt in with
 * `@jest-environment ./test/support/shared-typed-arrays-environment.js`.
 */
const { TestEnvironment } = require('jest-environment-node');

const typedArrays = [
  'Int8Array', 'Uint8Array', 'Uint8ClampedArray', 'Int16Array', 'Uint16Array', 'Int32Array', 'Uint32Array',
  'Float32Array', 'Float64Array', 'BigInt64Array', 'BigUint64Array', 'ArrayBuffer',
];

class SharedTypedArraysEnvironment extends TestEnvironment {
  constructor(config, context) {
    super(config, context);
    for (const name of typedArrays) this.global[name] = globalThis[name];
  }
}

module.exports = SharedTypedArraysEnvironment;
