#!/bin/bash
# Runs the code-cache writer with the Node.js command line Lambda will start the function with.
# The image build runs Lambda's own bootstrap (/var/runtime/bootstrap) with this script as
# AWS_LAMBDA_EXEC_WRAPPER; the bootstrap then calls it, as Lambda documents for wrapper scripts,
# with the interpreter and every argument it would start the runtime with: V8 flags derived from
# AWS_LAMBDA_FUNCTION_MEMORY_SIZE, then the runtime's entry script last. The writer takes that last
# argument's place, so it runs under exactly those flags.
set -euo pipefail
if [ "$#" -lt 2 ]; then
  echo "lambdaNodeFlags.sh: expected the runtime's command line (node, its flags, its entry script)" >&2
  exit 2
fi
writer="$(dirname "$0")/write-code-cache.js"
exec "${@:1:$#-1}" "$writer"
