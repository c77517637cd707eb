// Kept for the includes written before the PostgreSQL backend: the store's connection
// classes (Database, Statement, Transaction, StoreError) are in store/database.h.
#pragma once

#include "store/database.h"
