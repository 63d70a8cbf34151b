// vscode-oniguruma's typings name two WebAssembly types that the ES2022 lib
// and @types/node 20 do not declare; the grammar test only passes bytes.
declare namespace WebAssembly {
    type ImportValue = unknown;
    interface WebAssemblyInstantiatedSource {
        instance: unknown;
        module: unknown;
    }
}
