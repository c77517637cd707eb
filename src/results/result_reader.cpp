namespace portlens::results {}
