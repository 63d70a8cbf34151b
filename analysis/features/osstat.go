package features

import "os"

var osStat = os.Stat
