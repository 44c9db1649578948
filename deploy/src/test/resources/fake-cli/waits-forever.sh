#!/bin/sh
# Waits for input and ignores EOF, printing nothing: only the idle timeout can end it.
while true; do read x || sleep 0.2; done
