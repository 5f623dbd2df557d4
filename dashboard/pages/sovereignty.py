import streamlit as st

st.title("Sovereignty")
st.info("This page is being built.")
